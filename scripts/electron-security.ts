/**
 * `npm run security`: electronegativity (Doyensec's Electron scanner) over src/, failing on any HIGH
 * or MEDIUM finding and on a CSP it cannot parse. The scanner itself always exits 0, so this reads
 * its CSV report. A finding a person has reviewed is listed in REVIEWED with the reason, and
 * SECURITY.md says the same; it is accepted only at the file it was reviewed in.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Electron version the scanner assumes (ours; it cannot look the releases up offline). */
export const ELECTRON_VERSION = '45.5.0';

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  /** Relative to src/. */
  file: string;
  location: string;
  sample: string;
  description: string;
}

export interface Reviewed {
  check: string;
  file: string;
  /** Why it is acceptable; SECURITY.md has the long form. */
  why: string;
}

export const REVIEWED: readonly Reviewed[] = [
  {
    check: 'PRELOAD_JS_CHECK',
    file: 'main/electron/window.ts',
    why: 'the preload exposes one named function per IPC message, never ipcRenderer (SECURITY.md, "The preload")',
  },
];

const FAILING_SEVERITIES = new Set(['HIGH', 'MEDIUM']);

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

/** The scanner's CSV report (header row first) as findings. */
export function parseReport(csv: string): Finding[] {
  const [header, ...rows] = parseCsv(csv);
  if (!header || header[0]?.trim() !== 'issue') throw new Error('not an electronegativity CSV report');
  return rows.map(
    ([
      check = '',
      severity = '',
      confidence = '',
      file = '',
      location = '',
      sample = '',
      description = '',
    ]) => ({
      check: check.trim(),
      severity: severity.trim().toUpperCase(),
      confidence: confidence.trim(),
      file: file.trim(),
      location: location.trim(),
      sample: sample.trim(),
      description: description.trim(),
    }),
  );
}

/** A CSP the scanner could not parse: it then cannot say whether the policy is weak. */
function isUnparsedCsp(finding: Finding): boolean {
  return finding.check === 'CSP_GLOBAL_CHECK' && /failed to parse/i.test(finding.description);
}

/** The findings that fail the check: HIGH/MEDIUM not reviewed, and any CSP the scanner cannot parse. */
export function failures(findings: readonly Finding[], reviewed: readonly Reviewed[] = REVIEWED): Finding[] {
  return findings.filter((finding) => {
    if (isUnparsedCsp(finding)) return true;
    if (!FAILING_SEVERITIES.has(finding.severity)) return false;
    return !reviewed.some((r) => r.check === finding.check && r.file === finding.file);
  });
}

function describe(finding: Finding): string {
  return `${finding.severity} ${finding.check} ${finding.file}:${finding.location} — ${finding.description}`;
}

/** Runs the scanner over `srcDir` and returns its findings. */
export function scan(srcDir: string): Finding[] {
  const scanner = join(
    dirname(createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json')),
    'dist',
    'index.js',
  );
  const outDir = mkdtempSync(join(tmpdir(), 'dialtone-electronegativity-'));
  try {
    const report = join(outDir, 'report.csv');
    const args = [scanner, '-i', srcDir, '-e', ELECTRON_VERSION, '-r', '-v', 'false', '-o', report];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    let csv: string;
    try {
      csv = readFileSync(report, 'utf8');
    } catch {
      throw new Error(`electronegativity wrote no report (exit ${run.status}):\n${run.stderr || run.stdout}`);
    }
    return parseReport(csv);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function main(): void {
  const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const findings = scan(srcDir);
  const failed = failures(findings);
  const accepted = findings.filter((f) => !failed.includes(f));
  for (const finding of accepted) {
    const review = REVIEWED.find((r) => r.check === finding.check && r.file === finding.file);
    console.log(`  ok  ${describe(finding)}${review ? ` (reviewed: ${review.why})` : ''}`);
  }
  for (const finding of failed) console.log(`  FAIL ${describe(finding)}`);
  if (failed.length > 0) {
    console.error(
      `security: ${failed.length} electronegativity finding(s) to fix or review (see SECURITY.md)`,
    );
    process.exitCode = 1;
  } else {
    console.log(`security: electronegativity ${ELECTRON_VERSION}: no HIGH or MEDIUM finding left unreviewed`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
