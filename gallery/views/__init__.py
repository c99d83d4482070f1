"""Server-rendered pages by topic: photos, albums, sharing (owners) and visitors (link
holders and the public). Thin: parse input, call one selector or service, render."""
