# handshake.gdb — stop at every step of a glass handshake and print the state.
#
# From the top of the source tree, after `make debug`:
#
#     gdb -q -x tools/handshake.gdb
#
# runs `build/debug/glass walkthrough --seed 1` (its narration goes to
# build/debug/walkthrough-seed1.txt: follow it with `tail -f` in another
# terminal) and stops in every message function of protocol/hs_client.c and
# protocol/hs_server.c (one send_X or recv_X per handshake message, RFC 5246
# §7.4), and in the key schedule of protocol/hs_keys.c, in the order the two
# engines run them.  Where both roles have a function of the same name
# (send_Certificate, recv_Finished, ...) one breakpoint stops in both, and
# the role printed says whose it is.  At each stop it prints a line "STEP n NAME (role)"
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

# 2. Server: ClientHello arrives; it answers with its whole flight.
break recv_ClientHello
commands
  silent
  glass-step recv_ClientHello
  continue
end

# 3. Server: ServerHello, its random and choices (RFC 5246 §7.4.1.3).
break send_ServerHello
commands
  silent
  glass-step send_ServerHello
  continue
end

# 4. Either side: its certificate chain (RFC 5246 §7.4.2, §7.4.6).
break send_Certificate
commands
  silent
  glass-step send_Certificate
  continue
end

# 5. Server: g^y, signed with both randoms (RFC 5246 §7.4.3).
break send_ServerKeyExchange
commands
  silent
  glass-step send_ServerKeyExchange
  continue
end

# 6. Server: asks for the client's certificate (RFC 5246 §7.4.4).
break send_CertificateRequest
commands
  silent
  glass-step send_CertificateRequest
  continue
end

# 7. Server: its flight is over (RFC 5246 §7.4.5).
break send_ServerHelloDone
commands
  silent
  glass-step send_ServerHelloDone
  continue
end

# 8. Client: ServerHello arrives; its own random has been sent.
break recv_ServerHello
commands
  silent
  glass-step recv_ServerHello
  echo GLASS client_random=
  output e->client_random
  echo \n
  continue
end

# 9. Either side: the peer's chain; the client knows both randoms by now.
break recv_Certificate
commands
  silent
  glass-step recv_Certificate
  if e->cfg.role == GLASS_ROLE_CLIENT
    echo GLASS server_random=
    output e->server_random
    echo \n
  end
  continue
end

# 10. Client: ServerKeyExchange, g^y signed by the server.
break recv_ServerKeyExchange
commands
  silent
  glass-step recv_ServerKeyExchange
  continue
end

# 11. Client: CertificateRequest.
break recv_CertificateRequest
commands
  silent
  glass-step recv_CertificateRequest
  continue
end

# 12. Client: ServerHelloDone; the server's DH value is validated by now.
break recv_ServerHelloDone
commands
  silent
  glass-step recv_ServerHelloDone
  echo GLASS client_peer_y=
  output e->peer_y
  echo \n
  continue
end

# 13. Client: g^x (RFC 5246 §7.4.7.2).
break send_ClientKeyExchange
commands
  silent
  glass-step send_ClientKeyExchange
  continue
end

# 14. Either side: Z, the session hash, the master secret, the keys.
break glass_eng_derive_keys
commands
  silent
  glass-step glass_eng_derive_keys
  continue
end

# 15. Client: signs the handshake so far (RFC 5246 §7.4.8).
break send_CertificateVerify
commands
  silent
  glass-step send_CertificateVerify
  continue
end

# 16. Either side: its Finished, with the keys now derived (RFC 5246 §7.4.9).
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

# 17. Server: ClientKeyExchange, g^x.
break recv_ClientKeyExchange
commands
  silent
  glass-step recv_ClientKeyExchange
  continue
end

# 18. Server: CertificateVerify, the client's proof of its key.
break recv_CertificateVerify
commands
  silent
  glass-step recv_CertificateVerify
  continue
end

# 19. Either side: the peer's Finished; the client's handshake ends here.
break recv_Finished
commands
  silent
  glass-step recv_Finished
  continue
end

run
echo GLASS END\n
