/**
 * Rows per request for the call table: enough to fill a tall screen several times, small enough to
 * arrive at once. Plain module (no Vue, no transport) so the end-to-end figures can use it too.
 */
export const PAGE_SIZE = 500;
