/**
 * An output file named on the command line is checked before any work starts: a run of a minute
 * must not end in "cannot write". The check opens the file for appending (creating nothing that
 * stays, truncating nothing), so it asks the file system itself rather than guessing from modes.
 */
import { open, stat, unlink } from 'node:fs/promises';
import { CliError } from './args';

/** Throws a one-line CliError naming `flag` and the file when `path` cannot be written. */
export async function checkWritable(path: string, flag: string): Promise<void> {
  if (path.trim() === '') throw new CliError(`--${flag} needs a file name`);
  const existed = await stat(path).then(
    (s) => {
      if (s.isDirectory()) throw new CliError(`cannot write --${flag} ${path}: it is a folder`);
      return true;
    },
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw new CliError(`cannot write --${flag} ${path}: ${reason(err)}`);
    },
  );
  try {
    const handle = await open(path, 'a');
    await handle.close();
  } catch (err) {
    throw new CliError(`cannot write --${flag} ${path}: ${reason(err as NodeJS.ErrnoException)}`);
  }
  if (!existed) await unlink(path).catch(() => {});
}

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return err.code ?? err.message;
  }
}
