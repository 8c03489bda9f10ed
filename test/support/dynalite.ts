// The in-process DynamoDB lives with the local runtime; tests use the very same one.
export { createTable, startDynalite, type LocalDynamo } from '../../scripts/local/dynalite.js';
