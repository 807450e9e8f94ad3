/**
 * The numbers an import is tuned by, in one place, each with the measurement that chose it. Change one
 * only with a new measurement (`npm run bench -- --parts import`, docs/benchmarks.md) and write its
 * figure here. Plain values, no imports: the store's bulk loader, the worker and the main thread all
 * read them.
 */

/**
 * Rows per batch: one transaction each, so a batch is all or nothing. Twice as many made a million-row
 * import about a fifth faster but took its peak memory over 300 MB (the import's budget).
 */
export const BATCH_ROWS = 1_000;

/** About what a row of a UCM or GDMS export takes, to estimate a file's calls from its size. */
export const BYTES_PER_ROW = 250;

/** Bytes read from a file at a time: about a thousand rows, one batch. */
export const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Chunks of the source sent to the worker and not yet consumed. The worker works through them while
 * the main thread writes a batch, and batches cannot pile up beyond what these chunks hold, so memory
 * stays flat (READ_CHUNK_BYTES each, about a thousand rows).
 */
export const CHUNKS_AHEAD = 4;

/**
 * Sources at least this big are prepared on a worker thread, in parallel with the SQLite writes; for
 * smaller ones starting a thread costs more than it saves.
 */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;

/**
 * The worker's young generation, MB. Its objects (rows, records, JSON) die young: a third of V8's
 * default keeps the thread's memory down (part of the 300 MB budget) at little cost in speed; 8 MB
 * doubled the time spent scavenging on a million rows.
 */
export const WORKER_YOUNG_GENERATION_MB = 16;

/** Above this many rows, a session's group is handed over even while it still grows (bounded memory). */
export const MAX_GROUP_ROWS = 5_000;

/** Rejected rows listed in a file's result; the report file (when asked for) holds every one. */
export const MAX_LISTED_REJECTS = 10_000;

/**
 * A load sets the number indexes aside (main/store/bulk.ts) only for at least this many calls: below
 * it the saving is within the noise of a load, and finishing still costs.
 */
export const BULK_MIN_CALLS = 100_000;

/**
 * ... and only for at least this many times the calls already cached: beginning on a full cache reads
 * the swapped indexes and builds their stand-ins, finishing sorts every call of the cache, while the
 * saving grows with the calls loaded. Measured: 100,000 calls into a cache of 300,000 took 3 s longer
 * in bulk.
 */
export const BULK_MIN_CACHE_MULTIPLE = 2;

/**
 * Level-0 segments FTS5 lets pile up during a load before merging them. A load commits one segment per
 * transaction (more for very large ones); a million-call import in BATCH_ROWS batches reaches 1000
 * about once, near its end, and the whole structure stays below FTS5's ceiling of 2,000 segments.
 */
export const CRISIS_MERGE = 1000;

/**
 * What a load changes on its connection (numeric pragmas). Pages read through mmap count as this
 * process's memory, and dropping the indexes of a full cache, rebuilding them or merging a re-imported
 * file into the calls it repeats reads a lot of pages once (measured: re-importing a million cached
 * calls peaked at 578 MB with mmap, 277 MB without, in the same time); through a small page cache
 * (16 MB) the memory stays bounded. Checkpointing the WAL every 10,000 pages instead of 1,000 copies
 * the pages a load rewrites often (b-tree interiors, text index) fewer times: measured 6-16% less time
 * writing 300,000 calls; 50,000 was no better and made finishing slower.
 */
export const LOAD_SETTINGS: Readonly<Record<string, number>> = { mmap_size: 0, wal_autocheckpoint: 10_000, cache_size: -16_384 };
