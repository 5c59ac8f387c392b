// The pytest side hands each script a JSON job on stdin and reads one JSON result on stdout:
// the tests own the documents and the expected data, the scripts only drive a client.

export async function readJob() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

export function writeResult(result) {
  process.stdout.write(JSON.stringify(result) + "\n");
}
