// Validate an action.yml with GitHub's own parser (npm @actions/workflow-parser, MIT, from
// github.com/actions/languageservices), as the Actions runner and editor tooling read it.
//   node parse_action.mjs ACTION_YML PACKAGE_DIR   -> prints each error; exit 1 when there is one
// (PACKAGE_DIR is node_modules/@actions/workflow-parser: ES modules ignore NODE_PATH)
// The package imports its JSON schema without an import attribute (it is built for bundlers), so a
// loader hook supplies the attribute that Node requires.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

register(
  "data:text/javascript," +
    encodeURIComponent(`export async function load(url, context, nextLoad) {
      if (url.endsWith(".json")) return nextLoad(url, { ...context, importAttributes: { type: "json" } });
      return nextLoad(url, context);
    }`),
);
const [path, parser] = process.argv.slice(2);
const module = (file) => import(pathToFileURL(join(parser, "dist", file)).href);
const { parseAction, convertActionTemplate } = await module("actions/index.js");
const { NoOperationTraceWriter } = await module("index.js");

const result = parseAction({ name: path, content: readFileSync(path, "utf8") }, new NoOperationTraceWriter());
const template = result.value ? convertActionTemplate(result.context, result.value) : undefined;
const errors = result.context.errors.getErrors();
for (const error of errors) console.log(`error: ${error.message}`);
if (template && errors.length === 0) {
  console.log(JSON.stringify({ name: template.name, using: template.runs.using, steps: template.runs.steps.length,
                               inputs: (template.inputs ?? []).map((input) => input.id) }));
}
process.exit(errors.length ? 1 : 0);
