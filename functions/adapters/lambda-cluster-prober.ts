import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  PROBE_SOURCE,
  probeRefusalSchema,
  probeReportSchema,
  type ProbeReport,
} from '../core/cluster-probe.js';
import { ClusterProbeUnavailableError, type ClusterProber } from '../core/ports/cluster-prober.js';

/** Options of {@link LambdaClusterProber}. */
export interface LambdaClusterProberOptions {
  client: Pick<LambdaClient, 'send'>;
  /** The probing function's name or ARN: deploy's `probe` alias (`FJC_PROBE_FUNCTION`). */
  functionName: string;
}

const REMEDY =
  "Look up the correlation id in the deploy function's logs; check that the api role may invoke it (lambda:InvokeFunction) and that it is not throttled.";

/** `: <errorType>` of a Lambda error answer; its message stays in the deploy logs. */
function errorTypeOf(body: unknown): string {
  const type = (body as { errorType?: unknown } | null)?.errorType;
  return typeof type === 'string' && /^[\w.]{1,100}$/.test(type) ? `: ${type}` : '';
}

/**
 * The probe in AWS: a synchronous invocation (`InvocationType: 'RequestResponse'`) of the
 * deploy Lambda's `probe` alias, which runs in the Flink-facing network with the clusters'
 * secrets and may list their checkpoint storage, with a probe event. Its answer is input from
 * another function, so it is checked before it is used.
 */
export class LambdaClusterProber implements ClusterProber {
  constructor(private readonly options: LambdaClusterProberOptions) {}

  async probe(clusters: readonly string[], correlationId?: string): Promise<ProbeReport> {
    const event = {
      source: PROBE_SOURCE,
      clusters: [...clusters],
      ...(correlationId === undefined ? {} : { correlationId }),
    };
    let payload: Uint8Array | undefined;
    let functionError: string | undefined;
    try {
      const answer = await this.options.client.send(
        new InvokeCommand({
          FunctionName: this.options.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      payload = answer.Payload;
      functionError = answer.FunctionError;
    } catch (error) {
      throw new ClusterProbeUnavailableError('The probing (deploy) function could not be invoked', {
        cause: error,
        remedy: REMEDY,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array()));
    } catch (error) {
      throw new ClusterProbeUnavailableError('The probing (deploy) function answered no JSON', {
        cause: error,
        remedy: REMEDY,
      });
    }
    if (functionError !== undefined)
      throw new ClusterProbeUnavailableError(
        `The probing (deploy) function failed to probe (${functionError}${errorTypeOf(body)})`,
        { remedy: REMEDY },
      );
    const refusal = probeRefusalSchema.safeParse(body);
    if (refusal.success) {
      const { code, message, remedy } = refusal.data.refused;
      throw new ClusterProbeUnavailableError(
        `The probing (deploy) function refused the probe (${code}): ${message}`,
        { remedy: remedy ?? REMEDY },
      );
    }
    const parsed = probeReportSchema.safeParse(body);
    if (!parsed.success)
      throw new ClusterProbeUnavailableError(
        'The probing (deploy) function answered something other than a probe report',
        {
          cause: parsed.error,
          remedy: 'Deploy the api and deploy functions of the same fjc version.',
        },
      );
    return parsed.data;
  }
}
