int cmail_placeholder(void);
