import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@hihi/infra';

/** libs/common is split by concern: the built gateway loads the bus and observability, not mongoose. */
describe('the gateway’s dependencies', () => {
  it('never loads mongoose', () => {
    const entry = join(repoRoot(), 'dist/apps/gateway/apps/gateway/src/gateway.module.js');
    const script = `
      require('reflect-metadata');
      require(${JSON.stringify(entry)});
      const loaded = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](mongoose|mongodb|@nestjs[\\\\/]mongoose)[\\\\/]/.test(k));
      process.stdout.write(JSON.stringify(loaded.length));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: repoRoot(), timeout: 30000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0');
  });
});
