/**
 * Runs one sync in a child process so a test can kill it with SIGKILL mid-way. Arguments: the cache
 * file and the profile id; the password comes from UCMCDR_TEST_PASSWORD. Prints one line per
 * committed page so the parent knows pages are on disk.
 */
import { syncPbx } from '../../main/sync/sync.js';
import { openStore } from '../../main/store/store.js';

const [dbPath, pbxId] = process.argv.slice(2);
if (!dbPath || !pbxId) {
  console.error('usage: sync-runner.ts DB_PATH PBX_ID');
  process.exit(2);
}
const store = openStore(dbPath);
await syncPbx(store, Number(pbxId), process.env.UCMCDR_TEST_PASSWORD ?? '', {
  onProgress: (progress) => process.stdout.write(`page ${progress.pages}\n`),
});
store.close();
process.stdout.write('done\n');
