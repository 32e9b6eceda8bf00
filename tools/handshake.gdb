# handshake.gdb — stop at every step of a glass handshake and print the state.
#
# From the top of the source tree, after `make debug`:
#
#     gdb -q -x tools/handshake.gdb
#
# runs `build/debug/glass walkthrough --seed 1` (its narration goes to
# build/debug/walkthrough-seed1.txt: follow it with `tail -f` in another
# terminal) and stops in each handler of protocol/engine.c, in the order the
# two engines run them.  At each stop it prints a line "STEP n NAME (role)"
# and the state that step works on, with the pretty-printers of
# tools/glass_gdb.py (bytes in hex, engine states by name).  Run it with
# `gdb -batch` to see everything at once (tests/sh/gdb.sh does), or
# interactively: the breakpoints then stop and wait — delete the `continue`
# at the end of a breakpoint's commands with `commands N` ... `end` to
# explore (`print *e`, `print e->keys`, `bt`, `finish`).  docs/gdb.md is
# the guided session.
#
# GLASS_DEBUG in the environment names another debug binary.

set pagination off
set confirm off
set print pretty off
set print frame-arguments none
source tools/glass_gdb.py

python
import os
gdb.execute("file " + os.environ.get("GLASS_DEBUG", "build/debug/glass"))
_out = os.environ.get("GLASS_GDB_OUT", "build/debug/walkthrough-seed1.txt")
gdb.execute("set args walkthrough --seed 1 > " + _out + " 2>/dev/null")
end

# A running step number, printed by every breakpoint.  Only echo, output
# and printf of numbers: nothing here calls a function in the program, so it
# also works where gdb cannot make inferior calls.
set $step = 0
define glass-step
  set $step = $step + 1
  printf "STEP %d ", $step
  echo $arg0
  echo \ role=
  output e->cfg.role
  echo \ state=
  output e->state
  echo \n
end

# 1. Client: ClientHello goes out (RFC 5246 §7.4.1.2).
break send_ClientHello
commands
  silent
  glass-step send_ClientHello
  continue
end

# 2. Server: ClientHello arrives.
break recv_ClientHello
commands
  silent
  glass-step recv_ClientHello
  continue
end

# 3. Client: ServerHello arrives; its own random has been sent.
break recv_ServerHello
commands
  silent
  glass-step recv_ServerHello
  echo GLASS client_random=
  output e->client_random
  echo \n
  continue
end

# 4. Client: the server's certificate; both randoms are known.
break recv_Certificate_client
commands
  silent
  glass-step recv_Certificate_client
  echo GLASS server_random=
  output e->server_random
  echo \n
  continue
end

# 5. Client: ServerKeyExchange, g^y signed by the server.
break recv_ServerKeyExchange
commands
  silent
  glass-step recv_ServerKeyExchange
  continue
end

# 6. Client: CertificateRequest.
break recv_CertificateRequest
commands
  silent
  glass-step recv_CertificateRequest
  continue
end

# 7. Client: ServerHelloDone; the server's DH value is validated by now.
break recv_ServerHelloDone
commands
  silent
  glass-step recv_ServerHelloDone
  echo GLASS client_peer_y=
  output e->peer_y
  echo \n
  continue
end

# 8. Either side: Z, the session hash, the master secret, the keys.
break derive_keys
commands
  silent
  glass-step derive_keys
  continue
end

# 9. Either side: its Finished, with the keys now derived.
break send_Finished
commands
  silent
  glass-step send_Finished
  echo GLASS master_secret=
  output e->master_secret
  echo \n
  echo GLASS client_write_key=
  output e->keys.client_write_key
  echo \n
  echo GLASS server_write_MAC_key=
  output e->keys.server_write_MAC_key
  echo \n
  continue
end

# 10. Server: the client's certificate.
break recv_Certificate_server
commands
  silent
  glass-step recv_Certificate_server
  continue
end

# 11. Server: ClientKeyExchange, g^x.
break recv_ClientKeyExchange
commands
  silent
  glass-step recv_ClientKeyExchange
  continue
end

# 12. Server: CertificateVerify, the client's proof of its key.
break recv_CertificateVerify
commands
  silent
  glass-step recv_CertificateVerify
  continue
end

# 13. Server: the client's Finished.
break recv_Finished_server
commands
  silent
  glass-step recv_Finished_server
  continue
end

# 14. Client: the server's Finished; the handshake ends here.
break recv_Finished_client
commands
  silent
  glass-step recv_Finished_client
  continue
end

run
echo GLASS END\n
