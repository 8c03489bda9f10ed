/**
 * Change classification and content hashes of specs.
 */
export {
  UNLISTED_FIELD,
  classifyChange,
  type ChangeClassification,
  type FieldChange,
} from './classify.js';
export { schemaFieldPaths } from './fields.js';
export { canonicalJson, specHash } from './hash.js';
export { stateRiskNotes } from './notes.js';
export {
  CHANGE_KINDS,
  JOB_FIELD_RULES,
  type ChangeKind,
  type FieldClass,
  type FieldRule,
  type JobField,
} from './table.js';
