/**
 * `npm run security` judges electronegativity's CSV report (the scanner always exits 0). Pins the
 * bug where the check passes while the scanner reports a HIGH finding, a reviewed finding turns up
 * in an unreviewed file, or the CSP is one the scanner cannot parse.
 */
import { describe, expect, it } from 'vitest';
import { failures, parseCsv, parseReport } from '../../scripts/electron-security';

const HEADER = 'issue, severity, confidence, filename, location, sample, description, url';
const URL = 'https://github.com/doyensec/electronegativity/wiki/';

/** What the scanner reported on src/ when the window took its web preferences from a function. */
const BEFORE = [
  HEADER,
  `CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","5:0","default-src 'self'; script-src 'self'","One or more CSP directives detected seems to be vulnerable",${URL}CSP_GLOBAL_CHECK`,
  `CSP_GLOBAL_CHECK,"LOW","TENTATIVE","main/electron/security.ts","138:18",N/A,"Failed to parse CSP, it may not be valid.",${URL}CSP_GLOBAL_CHECK`,
  `OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","main/electron/window.ts","28:37","if (isSafeExternalUrl(url)) void shell.openExternal(url);","Review the use of openExternal",${URL}OPEN_EXTERNAL_JS_CHECK`,
  `AUXCLICK_JS_CHECK,"MEDIUM","FIRM","main/electron/window.ts","69:17","const window = new BrowserWindow({","Limit navigation flows to untrusted origins. Middle-click may cause Electron to open a link within a new window",${URL}AUXCLICK_JS_CHECK`,
  `CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/electron/window.ts","69:17","const window = new BrowserWindow({","Review the use of the contextIsolation option",${URL}CONTEXT_ISOLATION_JS_CHECK`,
  `SANDBOX_JS_CHECK,"MEDIUM","FIRM","main/electron/window.ts","69:17","const window = new BrowserWindow({","Use sandbox for untrusted origins",${URL}SANDBOX_JS_CHECK`,
].join('\n');

const AFTER = [
  HEADER,
  `CSP_GLOBAL_CHECK,"LOW","FIRM","main/electron/security.ts","68:2","default-src 'self'; script-src 'self'","One or more CSP directives detected seems to be vulnerable",${URL}CSP_GLOBAL_CHECK`,
  `PRELOAD_JS_CHECK,"MEDIUM","FIRM","main/electron/window.ts","79:6","preload: preloadPath,","Review the use of preload scripts",${URL}PRELOAD_JS_CHECK`,
  '',
].join('\n');

describe('npm run security', () => {
  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\nd,,e\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['d', '', 'e'],
    ]);
  });

  it('fails on every HIGH and MEDIUM finding and on a CSP the scanner cannot parse', () => {
    const failed = failures(parseReport(BEFORE)).map((f) => `${f.severity} ${f.check}`);
    expect(failed).toEqual([
      'LOW CSP_GLOBAL_CHECK',
      'MEDIUM OPEN_EXTERNAL_JS_CHECK',
      'MEDIUM AUXCLICK_JS_CHECK',
      'HIGH CONTEXT_ISOLATION_JS_CHECK',
      'MEDIUM SANDBOX_JS_CHECK',
    ]);
  });

  it('passes reviewed findings only in the file they were reviewed in', () => {
    expect(failures(parseReport(AFTER))).toEqual([]);
    const elsewhere = AFTER.replace('main/electron/window.ts', 'main/electron/other-window.ts');
    expect(failures(parseReport(elsewhere)).map((f) => f.check)).toEqual(['PRELOAD_JS_CHECK']);
  });

  it('refuses output that is not a scanner report', () => {
    expect(() => parseReport('')).toThrow(/not an electronegativity/);
  });
});
