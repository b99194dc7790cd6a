/**
 * Node options for Kindling's cluster processes (`kindling master`, `kindling worker`): a young
 * generation of 8 MB semi-spaces instead of V8's 16 MB (64-bit Node 20). V8 commits both halves of
 * the young generation under any steady allocation — a master or worker holds 32 MB of it even
 * idle, once its modules are loaded — and scavenges touch both, so they are resident. Half of it
 * is ~16 MB less per process. Measured on the cluster Q1 side-by-side bench (text and socket, 4 and
 * 200 partitions): the summed peak fell from 0.66-0.72 GB to 0.61-0.64 GB, and the text phases'
 * peak from ~0.47 to ~0.41 GB, for ~5 % more CPU in the throughput runs (more scavenges, more
 * short-lived batch objects promoted); 4 MB semi-spaces saved ~8 MB more per process but cost ~10 %.
 *
 * V8 reads the size only when it sets up the heap: it cannot be lowered from inside a running
 * process, as the heap growing factor is (heap-growth.ts). So whatever starts these processes
 * passes it — docker-compose.yml (`NODE_OPTIONS`), the README's process recipe, and the test
 * cluster (test/cluster/harness.ts) — and test/unit/infra/young-generation.test.ts checks they
 * agree. Local mode is left at V8's default: its worker threads share the process's flags, and its
 * throughput is measured against a hand loop.
 */
export const CLUSTER_NODE_OPTIONS = '--max-semi-space-size=8';
