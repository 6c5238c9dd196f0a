// Validates CSAF 2.0 documents with @secvisogram/csaf-validator-lib: the strict schema and every mandatory test (§6.1).
// Usage: node validate.mjs FILE… — prints one JSON line per file: {"file", "isValid", "errors": [{"test", "message", "instancePath"}]}.
// One process for the whole batch: importing the library takes seconds (see TOOLCHAIN.md §7).
import { readFile } from 'node:fs/promises'
import validate from '@secvisogram/csaf-validator-lib/validate.js'
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js'

const tests = [schemaTests.csaf_2_0_strict, ...Object.values(mandatoryTests)]
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(await readFile(file, 'utf8'))
  const result = await validate(tests, doc)
  const errors = result.tests.flatMap(t => t.errors.map(e => ({ test: t.name, message: e.message, instancePath: e.instancePath })))
  console.log(JSON.stringify({ file, isValid: result.isValid, tests: result.tests.length, errors }))
}
