// Whether to paint output: only for a terminal, and never when NO_COLOR is set to anything
// non-empty (https://no-color.org), so pipes, CI logs and golden files stay plain text.

export function useColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}
