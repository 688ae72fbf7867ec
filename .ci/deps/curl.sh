# The curl output format is run for real (bash and curl against a local server).
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v bash >/dev/null 2>&1 || need+=(bash)
