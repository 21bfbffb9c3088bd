// Line numbers for offsets asked in increasing order (rules appear in source order), by jumping
// from newline to newline with indexOf: no per-line array for a multi-megabyte policy.

export function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let lineStart = 0; // offset of the first character of `line`
  return (offset: number): number => {
    if (offset < lineStart) {
      line = 1;
      lineStart = 0;
    }
    for (let nl = text.indexOf("\n", lineStart); nl !== -1 && nl < offset; nl = text.indexOf("\n", lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    return line;
  };
}
