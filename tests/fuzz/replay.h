/*
 * The main of a fuzz harness built to replay its corpus (make check):
 * each file of dir goes to replay(), which feeds it to the harness and
 * counts it in *files (-1: it could not be read). Prints "N passed, N
 * failed", one check per file: reaching the end means none crashed.
 * Included by the harnesses only when built for replay.
 */
#ifndef HERALD_FUZZ_REPLAY_H
#define HERALD_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The usual replay(): the file's first max bytes go to the harness whole
 * and cut at every length (a transfer cut short, a character cut in half).
 */
static inline int
replay_every_cut(const char *path, int *files, size_t max)
{
	FILE	*fp;
	char	*b;
	size_t	 len, cut;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if ((b = malloc(max)) == NULL)
		abort();
	len = fread(b, 1, max, fp);
	fclose(fp);
	for (cut = 0; cut <= len; cut++)
		LLVMFuzzerTestOneInput((const uint8_t *)b, cut);
	free(b);
	(*files)++;
	return 0;
}

/* Exit status: 1 when a file failed, or (need_files) when dir had none. */
static int
replay_dir(const char *dir, int (*replay)(const char *, int *),
    int need_files)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[4096];
	int		 files = 0, failed = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: cannot open\n", dir);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (replay(path, &files) == -1)
			failed++;
	}
	closedir(d);
	printf("%d passed, %d failed\n", files, failed);
	return failed != 0 || (need_files && files == 0);
}

#endif
