# The web page's tests drive a real headless Chromium through WebDriver (chromedriver).
# Under CI=true they fail instead of skipping when these are missing.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
