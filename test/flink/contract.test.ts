import { inject } from 'vitest';
import { flinkContractSuite } from '../support/flink-contract.js';

flinkContractSuite(`real Flink ${inject('flinkVersion')}`, () => ({
  url: inject('flinkUrl'),
  exampleJar: inject('exampleJar'),
  savepointDir: inject('savepointDir'),
}));
