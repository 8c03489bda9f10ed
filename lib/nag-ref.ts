import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a token inside a granular finding id (`AwsSolutions-IAM5[Resource::…]`):
 * `<LogicalId.Attr>` for `Fn::GetAtt`, `<LogicalId>` for `Ref`, the export name for
 * `Fn::ImportValue`. Lets an acknowledgement name the exact resource it accepts instead of
 * silencing the whole rule.
 */
export function nagRef(scope: IConstruct, token: string): string {
  const resolved: unknown = Stack.of(scope).resolve(token);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const intrinsic = resolved as Record<string, unknown>;
    const getAtt = intrinsic['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(String).join('.')}>`;
    const ref = intrinsic.Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const imported = intrinsic['Fn::ImportValue'];
    if (typeof imported === 'string') return imported;
  }
  throw new Error(`nagRef: cannot name ${JSON.stringify(resolved)}`);
}
