import { createFjcApp, STACK_NAMES } from './fjc-app.js';
import { HANDLER_METADATA_KEY } from './constructs/fjc-function.js';

/** Account, region and partition the placeholder ARNs use. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
export const LOCAL_PARTITION = 'aws';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface TemplateResource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}

/** Options of {@link synthesizeControlLoopDefinition}. */
export interface SynthesizeDefinitionOptions {
  /** Extra CDK context, e.g. `{ 'fjc:maxConcurrency': 4 }`. */
  readonly context?: Record<string, unknown>;
}

/**
 * Synthesizes the app in-process (no CLI, no bundling, no cdk-nag) and returns the control-loop
 * state machine definition exactly as CloudFormation would receive it, with every token resolved
 * to a placeholder: a Lambda becomes `arn:aws:lambda:local:000000000000:function:<handler>`
 * (`deploy`, `verify`, …), anything else `arn:aws:<service>:local:000000000000:<LogicalId>`.
 * The local runtime runs this very definition in aws-local-stepfunctions.
 */
export function synthesizeControlLoopDefinition(options: SynthesizeDefinitionOptions = {}): object {
  const { app } = createFjcApp({
    nag: false,
    context: { ...options.context, 'fjc:bundle': false },
  });
  const template = app.synth().getStackByName(STACK_NAMES.controlPlane).template as {
    Resources: Record<string, TemplateResource>;
  };
  return definitionFromTemplate(template);
}

/** Extracts and resolves the (single) state machine definition of a synthesized template. */
export function definitionFromTemplate(template: {
  Resources: Record<string, TemplateResource>;
}): object {
  const machines = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  const [machine] = machines;
  if (machine === undefined || machines.length !== 1)
    throw new Error(`Expected one state machine, found ${machines.length}`);
  const definition = machine.Properties?.DefinitionString;
  if (definition === undefined) throw new Error('The state machine has no DefinitionString');
  const text = resolveIntrinsics(definition, template.Resources);
  if (typeof text !== 'string') throw new Error('DefinitionString did not resolve to a string');
  return JSON.parse(text) as object;
}

function resolveIntrinsics(value: Json, resources: Record<string, TemplateResource>): Json {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resources));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === 'Fn::Join') {
    const [separator, parts] = value[only] as [string, Json[]];
    return parts.map((part) => scalar(resolveIntrinsics(part, resources))).join(separator);
  }
  if (only === 'Ref') return refOf(scalar(value[only] ?? null), resources);
  if (only === 'Fn::GetAtt') {
    const [logicalId, attribute] = value[only] as [string, string];
    return getAttOf(logicalId, attribute, resources);
  }
  if (only?.startsWith('Fn::') === true)
    throw new Error(`Cannot resolve ${only} in the state machine definition`);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, resolveIntrinsics(inner, resources)]),
  );
}

function scalar(value: Json): string {
  if (typeof value === 'object' && value !== null)
    throw new Error(`Expected a string in the definition, got ${JSON.stringify(value)}`);
  return String(value);
}

function refOf(name: string, resources: Record<string, TemplateResource>): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': LOCAL_PARTITION,
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const known = pseudo[name];
  if (known !== undefined) return known;
  // Ref of a Lambda is its name; of one of its versions or aliases (what a release pins) the ARN
  // of the function itself: locally there is one version of everything. Of anything else, its
  // logical id is a fine placeholder.
  const type = resources[name]?.Type;
  if (type === 'AWS::Lambda::Function') return lambdaName(name, resources);
  if (type === 'AWS::Lambda::Version' || type === 'AWS::Lambda::Alias') {
    const target = resources[name]?.Properties?.FunctionName;
    const ref =
      typeof target === 'object' && target !== null && !Array.isArray(target)
        ? target.Ref
        : undefined;
    if (typeof ref !== 'string') throw new Error(`${name} does not name its function by Ref`);
    return getAttOf(ref, 'Arn', resources);
  }
  return name;
}

function getAttOf(
  logicalId: string,
  attribute: string,
  resources: Record<string, TemplateResource>,
): string {
  const resource = resources[logicalId];
  if (resource === undefined) throw new Error(`No resource ${logicalId}`);
  if (resource.Type === 'AWS::Lambda::Function' && attribute === 'Arn')
    return `arn:${LOCAL_PARTITION}:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${lambdaName(logicalId, resources)}`;
  const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
  return `arn:${LOCAL_PARTITION}:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
}

function lambdaName(logicalId: string, resources: Record<string, TemplateResource>): string {
  const handler = resources[logicalId]?.Metadata?.[HANDLER_METADATA_KEY];
  return typeof handler === 'string' ? handler : logicalId;
}
