// The size budget of src/: no file over 300 lines, no function over 60, unless
// the file says why with a `size-allowance:` comment (at the top of the file
// for its length; in the comment just above a function for that function).
// Prints the largest files and functions and what is over budget; with
// --strict it exits 1 when the budget is broken.
//   node scripts/sizes.mjs [--top N] [--strict]
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
const ALLOWANCE = /size-allowance:\s*\S/;

const root = new URL('..', import.meta.url).pathname;
const topArg = process.argv.indexOf('--top');
const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 10;
const strict = process.argv.includes('--strict');

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** A readable name for a function-like node: `Class.method`, `name`, or `(arrow) at line N`. */
function nameOf(node, file) {
  const own = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name && ts.isPrivateIdentifier(node.name) ? node.name.text : undefined;
  const owner = node.parent && (ts.isClassDeclaration(node.parent) || ts.isClassExpression(node.parent)) ? node.parent.name?.text : undefined;
  if (own) return owner ? `${owner}.${own}` : own;
  if (ts.isConstructorDeclaration(node)) return `${owner ?? 'class'}.constructor`;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name && ts.isIdentifier(parent.name)) return parent.name.text;
  return `(function) at line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
}

/** The comments just above a node (or above the statement that holds it). */
function leadingComments(node, text) {
  let holder = node;
  while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isClassDeclaration(holder.parent) && !ts.isBlock(holder.parent) && !ts.isObjectLiteralExpression(holder.parent)) holder = holder.parent;
  const ranges = ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [];
  return ranges.map((r) => text.slice(r.pos, r.end)).join('\n');
}

const files = [];
const functions = [];
for (const path of sourceFiles(join(root, 'src'))) {
  const text = readFileSync(path, 'utf8');
  const name = relative(root, path);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const head = text.split('\n').slice(0, 30).join('\n');
  files.push({ name, lines, allowed: ALLOWANCE.test(head) });
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: `${name}: ${nameOf(node, file)}`, lines: end - start + 1, allowed: ALLOWANCE.test(leadingComments(node, text)) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

const byLines = (a, b) => b.lines - a.lines;
const show = (item, max) => `  ${String(item.lines).padStart(5)}  ${item.name}${item.lines > max ? (item.allowed ? '  (allowed: the file says why)' : '  OVER') : ''}`;
console.log(`Largest files in src/ (budget ${MAX_FILE_LINES} lines):`);
for (const f of files.sort(byLines).slice(0, top)) console.log(show(f, MAX_FILE_LINES));
console.log(`Longest functions in src/ (budget ${MAX_FUNCTION_LINES} lines):`);
for (const f of functions.sort(byLines).slice(0, top)) console.log(show(f, MAX_FUNCTION_LINES));

const over = [
  ...files.filter((f) => f.lines > MAX_FILE_LINES && !f.allowed).map((f) => `${f.name} has ${f.lines} lines (budget ${MAX_FILE_LINES})`),
  ...functions.filter((f) => f.lines > MAX_FUNCTION_LINES && !f.allowed).map((f) => `${f.name} has ${f.lines} lines (budget ${MAX_FUNCTION_LINES})`),
];
if (over.length > 0) {
  console.error(`\nsizes: over budget; split it along its ideas, or say why in a "size-allowance:" comment (docs/architecture.md):\n${over.map((o) => `  ${o}`).join('\n')}`);
  if (strict) process.exitCode = 1;
}
