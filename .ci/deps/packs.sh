# The pack tests create real git repositories and fetch them with the system git.
command -v git >/dev/null 2>&1 || [[ " ${need[*]} " == *" git "* ]] || need+=(git)
