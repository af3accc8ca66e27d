/**
 * How much a streaming read of a big file may grow the test process's RSS. Reading through the
 * file system, zlib and yauzl grows RSS by 50-115 MiB even when nothing is kept (measured on
 * Node 20 and 24: chunks awaiting the garbage collector, allocator fragmentation); Node 24 the
 * most. Tests that use this bound stream a payload of at least 384 MiB, so a reader that buffered
 * it could not stay under.
 */
export const STREAMING_RSS_BOUND = 160 * 1024 * 1024;
