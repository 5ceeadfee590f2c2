/**
 * How a server is named to people, the one wording of every output: its
 * `name` where a short tag will do (tagged lines, prompts, transcripts), and
 * `web-b (10.0.0.5:10000)` where the address matters (errors, summaries). A
 * server without a name in servers.csv is its address in both. A module of
 * its own: the REPL names its server without loading the CSV reader.
 */
export function targetLabel(t: { name: string; key: string }): string {
  return t.name === t.key ? t.key : `${t.name} (${t.key})`;
}
