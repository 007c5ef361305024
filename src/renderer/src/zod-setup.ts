/**
 * Imported first: zod compiles fast parsers with `new Function` unless told not to, and under the
 * page's CSP (no 'unsafe-eval') even its probe for that is reported as a violation. The switch has to
 * be set before any schema is created, so before the protocol module loads.
 */
import { z } from 'zod';

z.config({ jitless: true });
