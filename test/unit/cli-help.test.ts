/**
 * The CLI's small contracts. Bugs pinned: `bin/dialtone <command> --help` was an error ("unknown
 * option") instead of the command's usage; `bin/dialtone --version` was an unknown command; `converse`
 * exited 0 when a lane stopped with an error.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'dialtone');
const COMMANDS = ['sim', 'chat', 'vad', 'transcribe', 'say', 'models', 'web', 'converse', 'bench'];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each case spawns the CLI through tsx: seconds apiece on a busy 2-core machine.
describe('bin/dialtone', { timeout: 90_000 }, () => {
  it('every command answers --help and -h with its usage and exit 0, doing nothing else', async () => {
    const asks = COMMANDS.flatMap((name) => [
      [name, '--help'],
      [name, '-h'],
    ]);
    // `chat hi --help` would otherwise send a prompt; `web --help` would otherwise serve.
    asks.push(['chat', 'hi', '--lane', 'sim:fault=500', '--help'], ['web', '--port', '1', '-h']);
    const results = await Promise.all(asks.map(run));
    for (const [i, args] of asks.entries()) {
      const r = results[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`usage: dialtone ${args[0]}`);
      expect(r.stderr).toBe('');
    }
  });

  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`dialtone ${version}\n`);
  });

  it('converse exits 1 when a lane stopped with an error, after the JSON with every lane', async () => {
    const r = await run([
      'converse',
      '--scenario',
      'goodbye',
      '--lane',
      'sim:fault=500',
      '--lane',
      'sim:tps=5000,ttft=10',
      '--max-turns',
      '3',
      '--no-speech',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout.trim()) as { lanes: { stoppedBy: string; error?: string }[] };
    expect(out.lanes.map((l) => l.stoppedBy)).toEqual(['error', 'max-turns']);
    expect(out.lanes[0]!.error).toMatch(/server error \(500\)/);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^dialtone converse: 1 of 2 lanes stopped with an error: \[sim:fault=500\] .*500/,
    );
  });
});
