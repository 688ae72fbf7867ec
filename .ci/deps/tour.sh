# The tour tests run the curl output for real (bash and curl against a local server) and
# read the manual pages with man.
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v bash >/dev/null 2>&1 || need+=(bash)
command -v man >/dev/null 2>&1 || need+=(man-db)
