import { inject } from 'vitest';
import { sqlGatewayContractSuite } from '../support/sql-gateway-contract.js';

sqlGatewayContractSuite(`real SQL Gateway ${inject('flinkVersion')}`, () => ({
  gatewayUrl: inject('sqlGatewayUrl'),
  flinkUrl: inject('flinkUrl'),
  logDir: inject('flinkLogDir'),
  savepointDir: inject('savepointDir'),
}));
