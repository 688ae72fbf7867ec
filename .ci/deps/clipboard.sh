# The clipboard tests drive a real X server: Xvfb, xclip and xsel (fallback backends that
# also read the clipboard back), and xauth. Under CI=true they fail instead of skipping.
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xclip >/dev/null 2>&1 || need+=(xclip)
command -v xsel >/dev/null 2>&1 || need+=(xsel)
command -v xauth >/dev/null 2>&1 || need+=(xauth)
