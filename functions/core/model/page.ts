/** A page of results and the cursor of the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  /** Opaque; pass back unchanged to get the next page. */
  cursor?: string;
}

/** Paging parameters. */
export interface PageRequest {
  cursor?: string;
  /** 1..1000, default 100. */
  limit?: number;
}
