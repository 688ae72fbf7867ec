# The pack tests create real git repositories and fetch them with the system git, and run
# the confirmation prompt on a real terminal through `script` (util-linux, in bsdutils).
command -v git >/dev/null 2>&1 || [[ " ${need[*]} " == *" git "* ]] || need+=(git)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
