// Generates TypeScript types for every .proto under proto/ into proto/generated (proto-loader-gen-types).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const protoDir = join(root, 'proto');
const outDir = join(protoDir, 'generated');

function protoFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (p === outDir) return [];
    if (statSync(p).isDirectory()) return protoFiles(p);
    return name.endsWith('.proto') ? [relative(protoDir, p)] : [];
  });
}

const files = existsSync(protoDir) ? protoFiles(protoDir) : [];
rmSync(outDir, { recursive: true, force: true });
if (files.length > 0) {
  const bin = join(root, 'node_modules', '@grpc', 'proto-loader', 'build', 'bin', 'proto-loader-gen-types.js');
  execFileSync(
    process.execPath,
    [bin, '--longs=String', '--enums=String', '--defaults', '--oneofs', '--keepCase', '--importFileExtension=.js', '--grpcLib=@grpc/grpc-js', '--includeDirs', protoDir, '--outDir', outDir, ...files],
    { stdio: 'inherit', cwd: protoDir },
  );
}
