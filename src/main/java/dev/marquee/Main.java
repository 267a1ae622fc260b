package dev.marquee;

public final class Main {
  public static void main(String[] args) {}
}
