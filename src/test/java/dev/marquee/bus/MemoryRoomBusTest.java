package dev.marquee.bus;

class MemoryRoomBusTest extends RoomBusContract {
  @Override
  protected RoomBus create() {
    return RoomBus.memory();
  }
}
