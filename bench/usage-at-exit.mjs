// Loaded with `node --import` into the process the import benchmark runs (the built `ucmcdr`): at
// exit it writes that process's peak memory and CPU time (all threads) to the file the benchmark names.
import { writeFileSync } from 'node:fs';

const target = process.env.UCMCDR_BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ max_rss_kb: usage.maxRSS, cpu_us: usage.userCPUTime + usage.systemCPUTime }));
  });
}
