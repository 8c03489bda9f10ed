/** An opaque JSON object (the job spec, operation data, audit details). */
export type JsonObject = Record<string, unknown>;
