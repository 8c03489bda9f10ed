/**
 * ajv 8 (draft 2020-12), an independent JSON Schema validator for the contract tests: it checks
 * the generated OpenAPI document and the editor JSON Schema as tools outside fjc see them.
 *
 * ajv 8 is not a direct devDependency yet (node_modules/ajv is ajv 6, draft-07 only, pulled in by
 * eslint); aws-local-stepfunctions' asl-validator brings ajv 8, so it is loaded from there. Once
 * `ajv@^8` is a devDependency this becomes a plain import with ajv's own types.
 */
import { createRequire } from 'node:module';

/** One error as ajv reports it. */
export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A compiled schema. */
export interface AjvValidate {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** The part of ajv's API the tests use. */
export interface Ajv {
  compile(schema: object): AjvValidate;
  addSchema(schema: object, key?: string): Ajv;
  addKeyword(keyword: string): Ajv;
  addFormat(name: string, format: RegExp): Ajv;
  getSchema(key: string): AjvValidate | undefined;
  errorsText(errors?: AjvError[] | null): string;
}

const fromAslValidator = createRequire(createRequire(import.meta.url).resolve('asl-validator'));

const Ajv2020 = (
  fromAslValidator('ajv/dist/2020') as {
    default: new (options: Record<string, unknown>) => Ajv;
  }
).default;
const addFormats = (fromAslValidator('ajv-formats') as { default: (ajv: Ajv) => Ajv }).default;

/** A draft 2020-12 validator with format checks, collecting every error. */
export function draft2020(options: Record<string, unknown> = {}): Ajv {
  return addFormats(new Ajv2020({ allErrors: true, ...options }));
}
