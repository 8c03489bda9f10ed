/**
 * ajv 8 (draft 2020-12), an independent JSON Schema validator for the contract tests: it checks
 * the generated OpenAPI document and the editor JSON Schema as tools outside fjc see them.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** One error as ajv reports it. */
export type AjvError = ErrorObject;

/** A draft 2020-12 validator. */
export type Ajv = Ajv2020;

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

/** A draft 2020-12 validator with format checks, collecting every error. */
export function draft2020(options: Record<string, unknown> = {}): Ajv {
  const ajv = new Ajv2020({ allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}
