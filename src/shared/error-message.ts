/** The message of anything thrown: an Error's own, else the value as text. Both sides use it. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
