/**
 * The S3 → EventBridge notification that starts an ingest: "Object Created" or "Object Deleted"
 * under the specs prefix. Only the fields ingest relies on are required; everything else S3 adds
 * (reason, request id, storage class…) is let through untouched.
 */
import { z } from 'zod';
import { ValidationError } from '../commons/errors.js';
import { unquoteEtag } from '../core/ports/index.js';

/** The two changes of a spec object ingest reacts to. */
export const SPEC_OBJECT_CHANGES = ['Object Created', 'Object Deleted'] as const;

const NON_EMPTY = 'must be a non-empty string';
const nonEmpty = z.string({ error: NON_EMPTY }).min(1, { error: NON_EMPTY });

/** The EventBridge envelope and the S3 `detail` of an object notification. */
export const specObjectEventSchema = z.looseObject({
  id: nonEmpty,
  source: z.literal('aws.s3', { error: 'must be "aws.s3"' }),
  'detail-type': z.enum(SPEC_OBJECT_CHANGES, {
    error: `must be one of ${SPEC_OBJECT_CHANGES.map((c) => `"${c}"`).join(', ')}`,
  }),
  detail: z.looseObject({
    bucket: z.looseObject({ name: nonEmpty }),
    object: z.looseObject({
      key: nonEmpty,
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
      'version-id': z.string().optional(),
      /** Orders the events of one key (see {@link compareSequencers}). */
      sequencer: z
        .string()
        .regex(/^[0-9A-Fa-f]+$/, { error: 'must be hexadecimal' })
        .optional(),
    }),
    /** Who made the request: an account id, or a service principal for lifecycle actions. */
    requester: z.string().optional(),
    /** `Delete Marker Created` or `Permanently Deleted` (versioned buckets). */
    'deletion-type': z.string().optional(),
  }),
});

/** The parsed event. */
export type SpecObjectEvent = z.infer<typeof specObjectEventSchema>;

/** What ingest needs to know about one change of one spec object. */
export interface SpecObjectChange {
  /** The EventBridge event id: the correlation id of everything this change causes. */
  eventId: string;
  change: 'created' | 'deleted';
  bucket: string;
  /**
   * The key as the event names it. EventBridge keys are plain, but S3's classic notifications
   * URL-encode them (`+` for space); {@link keyCandidates} covers an event relayed from there.
   */
  key: string;
  size?: number;
  /** Without the quotes S3 puts around ETags in HTTP headers. */
  etag?: string;
  versionId?: string;
  sequencer?: string;
  requester?: string;
  deletionType?: string;
}

/**
 * Checks an event and picks out the change it describes.
 * @throws ValidationError listing every missing or malformed field, with its path in the event.
 */
export function parseSpecObjectEvent(event: unknown): SpecObjectChange {
  const parsed = specObjectEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      // Dotted like the rule's event pattern (`detail.object.key`), not as code would index it.
      path: issue.path.length === 0 ? 'event' : issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new ValidationError(
      'The ingest event is not an S3 "Object Created"/"Object Deleted" EventBridge event',
      issues,
      { remedy: 'Send ingest only the S3 EventBridge notifications of the spec bucket.' },
    );
  }
  const { id, detail } = parsed.data;
  const { object } = detail;
  return {
    eventId: id,
    change: parsed.data['detail-type'] === 'Object Created' ? 'created' : 'deleted',
    bucket: detail.bucket.name,
    key: object.key,
    ...(object.size === undefined ? {} : { size: object.size }),
    ...(object.etag ? { etag: unquoteEtag(object.etag) } : {}),
    ...(object['version-id'] ? { versionId: object['version-id'] } : {}),
    ...(object.sequencer === undefined ? {} : { sequencer: object.sequencer }),
    ...(detail.requester ? { requester: detail.requester } : {}),
    ...(detail['deletion-type'] ? { deletionType: detail['deletion-type'] } : {}),
  };
}

/**
 * The keys an event key may stand for, most likely first: the key as given, then its URL-decoded
 * form (`+` as space) when that differs and decodes. A literal key such as `specs/a+b.yaml` and
 * an encoded `specs/a%2Bb.yaml` are both found, whichever form the event carries.
 */
export function keyCandidates(key: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return [key];
  }
  return decoded === key ? [key] : [key, decoded];
}
