/**
 * Shared synthesis for the infrastructure tests: the real app (same factory as `cdk synth`),
 * without bundling so a synth takes seconds, and without cdk-nag unless a test asks for it.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { HANDLER_METADATA_KEY } from '../../../lib/constructs/fjc-function.js';
import { createFjcApp, STACK_NAMES, type FjcApp } from '../../../lib/fjc-app.js';

export interface SynthesizedFjc extends FjcApp {
  readonly statefulTemplate: Template;
  readonly controlPlaneTemplate: Template;
}

/** Synthesizes the app with `fjc:bundle=false` plus the given context. */
export function synthesize(
  context: Record<string, unknown> = {},
  options: { nag?: boolean } = {},
): SynthesizedFjc {
  const fjc = createFjcApp({
    nag: options.nag ?? false,
    context: { 'fjc:bundle': false, ...context },
  });
  // One synth for both stacks (Template.fromStack would synthesize the app once per stack).
  const assembly = fjc.app.synth();
  const templateOf = (name: string) =>
    Template.fromJSON(assembly.getStackByName(name).template as object);
  return {
    ...fjc,
    statefulTemplate: templateOf(STACK_NAMES.stateful),
    controlPlaneTemplate: templateOf(STACK_NAMES.controlPlane),
  };
}

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string[];
}
type Resources = Record<string, Resource>;

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The Lambda functions of the control plane, by handler name (from the `fjc:handler` metadata). */
export function functionsByHandler(
  template: Template,
): Record<string, { logicalId: string; resource: Resource }> {
  const byHandler: Record<string, { logicalId: string; resource: Resource }> = {};
  for (const [logicalId, resource] of Object.entries(
    resourcesOf(template, 'AWS::Lambda::Function'),
  )) {
    const handler = resource.Metadata?.[HANDLER_METADATA_KEY];
    if (typeof handler === 'string') byHandler[handler] = { logicalId, resource };
  }
  return byHandler;
}

/** One statement of an IAM policy document. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * Readers of one control plane function by handler name: the function, its properties, its
 * environment and every statement of the policies attached to its role. `template` is read at
 * each call, since the tests synthesize in `beforeAll`.
 */
export function functionReaders(template: () => Template) {
  const fn = (handler: string) => {
    const found = functionsByHandler(template())[handler];
    if (found === undefined) throw new Error(`no ${handler} function`);
    return found;
  };
  const props = (handler: string) => fn(handler).resource.Properties ?? {};
  const env = (handler: string) =>
    (props(handler).Environment as { Variables: Record<string, unknown> }).Variables;
  const statementsOf = (handler: string): Statement[] => {
    const role = (props(handler).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return Object.values(resourcesOf(template(), 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  return { fn, props, env, statementsOf };
}

/** The value, or a failed test naming what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

/** The logical id of the alias `name` (default `live`) of a control plane function, by handler. */
export function liveAliasOf(template: Template, handler: string, name = 'live'): string {
  const fn = defined(functionsByHandler(template)[handler], `${handler} function`).logicalId;
  const aliases = Object.entries(resourcesOf(template, 'AWS::Lambda::Alias')).filter(
    ([, alias]) =>
      JSON.stringify(alias.Properties?.FunctionName) === JSON.stringify({ Ref: fn }) &&
      alias.Properties?.Name === name,
  );
  if (aliases.length !== 1) throw new Error(`expected one ${name} alias of ${handler}`);
  return defined(aliases[0], 'alias')[0];
}
