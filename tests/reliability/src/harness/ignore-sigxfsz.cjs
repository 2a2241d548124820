// Preloaded into a server run under `ulimit -f` (the suite's stand-in for a full disk): a write past the
// limit then fails with EFBIG, as a write to a full disk fails with ENOSPC, instead of killing the
// process with SIGXFSZ, which a real full disk never sends.
process.on("SIGXFSZ", () => {});
