build/src/config.o: src/config.c src/addr.h src/config.h src/util.h
src/addr.h:
src/config.h:
src/util.h:
