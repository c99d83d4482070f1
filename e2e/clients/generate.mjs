// Types for both documents, as an app generates them: openapi-typescript's Node API, with a
// file field (format: binary) typed as the Blob a browser or React Native appends to a form.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const [, , documents, out] = process.argv;

await mkdir(out, { recursive: true });
for (const name of ["pikoshi", "allauth"]) {
  const document = JSON.parse(await readFile(`${documents}/${name}.json`, "utf8"));
  const ast = await openapiTS(document, {
    transform(schema) {
      if (schema.format === "binary") return BLOB;
      return undefined;
    },
  });
  await writeFile(`${out}/${name}.d.ts`, astToString(ast));
}
