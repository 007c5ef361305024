/**
 * Turn ids: `<laneId>-<n>`, n counting a lane's turns from 1. JSON events carry the id; binary audio
 * frames carry only n (a u32, see audio-frames.ts). Both sides build and read ids here and nowhere else.
 */

/** The id of a lane's n-th turn. */
export function turnIdOf(laneId: string, turnNumber: number): string {
  return `${laneId}-${turnNumber}`;
}

/** The turn number in `turnId` when it belongs to `laneId`, else null. */
export function turnNumberOf(laneId: string, turnId: string): number | null {
  const prefix = `${laneId}-`;
  if (!turnId.startsWith(prefix)) return null;
  const digits = turnId.slice(prefix.length);
  if (!/^[1-9]\d*$/.test(digits)) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) && n <= 0xffff_ffff ? n : null;
}
