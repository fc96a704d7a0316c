// Parses Mermaid sequence diagrams with Mermaid's own code, for
// report/markdown_mermaid_test.go: reads a JSON array of diagram texts on
// stdin and writes, for each, its error or what Mermaid understood: the
// configuration (directives), the participants and every message and note
// with its text decoded from Mermaid's entity codes.
//
//   node mermaid_parse.mjs NODE_MODULES < diagrams.json
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.argv[2];
const entry = createRequire(join(modules, 'noop.js')).resolve('mermaid');
const { default: mermaid } = await import(pathToFileURL(entry));

// decode turns Mermaid's placeholders for #NNN; entity codes back into
// characters; a named entity stays visible as &name; so a test sees it.
function decode(text) {
	return text
		.replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)))
		.replace(/ﬂ°(\w+)¶ß/g, (_, name) => `&${name};`);
}

const out = [];
for (const text of JSON.parse(readFileSync(0, 'utf8'))) {
	try {
		const parsed = await mermaid.parse(text);
		const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
		out.push({
			type: parsed.diagramType,
			config: parsed.config,
			actors: [...diagram.db.getActors().values()].map((a) => ({ id: a.name, description: a.description })),
			messages: diagram.db.getMessages().map((m) => ({ from: m.from, to: m.to, type: m.type, text: decode(m.message) })),
		});
	} catch (e) {
		out.push({ error: String(e.message || e) });
	}
}
process.stdout.write(JSON.stringify(out));
