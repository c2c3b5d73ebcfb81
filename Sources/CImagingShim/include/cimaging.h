int cimaging_placeholder(void);
