// The ignore file of `bi-access drift`: one address or `*` glob per line, optionally followed by
// `# reason`; lines starting with `#` are comments.

export interface IgnoreRule {
  pattern: string;
  reason?: string;
  /** The line it came from, for messages. */
  line: number;
}

export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // The reason starts at the first `#` after whitespace: addresses hold no spaces, keys may hold `#`.
    const match = /^(\S+)(?:\s+#\s*(.*))?$/.exec(line);
    if (!match) throw new Error(`line ${index + 1}: expected an address or pattern, optionally followed by "# reason"; got "${line}"`);
    rules.push({ pattern: match[1], reason: match[2]?.trim() || undefined, line: index + 1 });
  });
  return rules;
}

/** The first rule matching the address; `*` matches any run of characters, every other character itself. */
export function matchingRule(rules: IgnoreRule[], address: string): IgnoreRule | undefined {
  return rules.find((rule) => globPattern(rule.pattern).test(address));
}

const compiled = new Map<string, RegExp>();

function globPattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    compiled.set(pattern, (regex = new RegExp(`^${body}$`)));
  }
  return regex;
}
