import Table from 'cli-table3';

export interface TableOptions {
  /** Column titles; none prints the rows only. */
  readonly head?: readonly string[];
  /** Per column; numbers read best right-aligned. */
  readonly align?: ReadonlyArray<'left' | 'right' | 'center'>;
  /** plain (default): for a terminal; markdown: a GitHub table with a header rule, for docs and CI summaries. */
  readonly style?: 'plain' | 'markdown';
}

// Borderless: columns two spaces apart, like `docker ps`, so the output greps and diffs well.
const NO_FRAME = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
};
const PLAIN = { ...NO_FRAME, left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' };
const MARKDOWN = { ...NO_FRAME, left: '|', 'left-mid': '|', mid: '-', 'mid-mid': '|', right: '|', 'right-mid': '|', middle: '|' };

/** Rows of cells → aligned text columns (cli-table3 measures ANSI colour and wide characters correctly). */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>, options: TableOptions = {}): string {
  const markdown = options.style === 'markdown';
  const table = new Table({
    chars: markdown ? MARKDOWN : PLAIN,
    style: { head: [], border: [], 'padding-left': markdown ? 1 : 0, 'padding-right': markdown ? 1 : 0, compact: true },
    ...(options.head ? { head: [...options.head] } : {}),
    ...(options.align ? { colAligns: [...options.align] } : {}),
  });
  table.push(...rows.map((row) => row.map((cell) => String(cell))));
  // cli-table3 pads the last column too; trailing blanks help no one.
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}
