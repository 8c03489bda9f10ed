/** The metric names live with the code that emits them; the infrastructure reads the same ones. */
export * from '../functions/commons/metric-names.js';
